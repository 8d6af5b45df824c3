package dev.rcx.architecture.planted.server;

/** Fixture: an internal type that is public although no other package uses it. */
public final class PlantedStray {
  private PlantedStray() {}
}
