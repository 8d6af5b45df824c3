package dev.rcx.cli;

/** Entry point of the rcx command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("rcx");
  }
}
