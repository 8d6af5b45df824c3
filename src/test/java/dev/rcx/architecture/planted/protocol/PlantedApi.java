package dev.rcx.architecture.planted.protocol;

import dev.rcx.architecture.planted.server.PlantedServer;

/** Fixture: a public API type whose public method hands out an internal (server) type. */
public final class PlantedApi {
  private PlantedApi() {}

  public static @org.jspecify.annotations.Nullable PlantedServer server() {
    return null;
  }
}
