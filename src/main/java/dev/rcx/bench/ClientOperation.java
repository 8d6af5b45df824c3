package dev.rcx.bench;

import java.io.IOException;

/**
 * A workload bound to one client's driver. After any failure the connection is dropped and the next
 * operation prepares again (reconnect, log in again) inside its own measured time, so recovering
 * from an error is never free.
 */
final class ClientOperation implements LoadLoop.Operation {
  private final Workload workload;
  private final Driver driver;
  private boolean prepared;

  ClientOperation(Workload workload, Driver driver) {
    this.workload = workload;
    this.driver = driver;
  }

  /** Prepares outside the measured loop; a failure is left for the first operation to retry. */
  void prepareQuietly(Sample s) {
    try {
      prepare(s);
    } catch (IOException | OperationFailedException | RuntimeException e) {
      driver.disconnect();
    }
  }

  @Override
  public void run(Sample s) throws IOException, OperationFailedException {
    try {
      if (!prepared) {
        prepare(s);
      }
      workload.perform(driver, s);
    } catch (IOException | OperationFailedException | RuntimeException e) {
      prepared = false;
      driver.disconnect();
      throw e;
    }
  }

  private void prepare(Sample s) throws IOException, OperationFailedException {
    workload.prepare(driver, s);
    prepared = true;
  }
}
