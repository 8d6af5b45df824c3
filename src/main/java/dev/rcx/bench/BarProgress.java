package dev.rcx.bench;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@link Progress} as a me.tongfei progress bar counting planned seconds; ASCII, so any terminal or
 * log shows it.
 */
final class BarProgress implements Progress {
  private static final int WIDTH = 110;
  private final ProgressBar bar;

  BarProgress(PrintStream err, long totalMillis) {
    this.bar =
        new ProgressBarBuilder()
            .setTaskName("rcx bench")
            .setInitialMax(totalMillis)
            .setUnit("s", 1000)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(250)
            .setConsumer(new ConsoleProgressBarConsumer(err, WIDTH))
            .build();
  }

  @Override
  public void update(long doneMillis, String message) {
    bar.stepTo(Math.min(doneMillis, bar.getMax()));
    bar.setExtraMessage(message);
  }

  @Override
  public void close() {
    bar.stepTo(bar.getMax());
    bar.close();
  }
}
