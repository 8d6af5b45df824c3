package dev.rcx.architecture.planted.protocol;

import dev.rcx.architecture.planted.server.PlantedServer;

/** Fixture: a protocol class that imports the server, which the dependency table forbids. */
final class PlantedServerCall {
  private PlantedServerCall() {}

  static int port() {
    return PlantedServer.port();
  }
}
