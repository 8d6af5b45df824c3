package dev.rcx.architecture.planted.server;

/** Fixture: a stand-in for a server class, used by a planted violation. */
public final class PlantedServer {
  private PlantedServer() {}

  public static int port() {
    return 7443;
  }
}
