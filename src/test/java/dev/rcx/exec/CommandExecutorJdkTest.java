package dev.rcx.exec;

class CommandExecutorJdkTest extends CommandExecutorTest {
  @Override
  Launcher launcher() {
    return Launchers.jdk();
  }
}
