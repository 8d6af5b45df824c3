package dev.rcx.exec;

class CommandExecutorNativeTest extends CommandExecutorTest {
  @Override
  Launcher launcher() {
    return Launchers.nativeLauncher();
  }
}
