package dev.rcx.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LaunchersTest {
  @Test
  void choose_jdk_givesProcessBuilderLauncher() {
    assertThat(Launchers.choose("jdk").name()).isEqualTo("jdk");
  }

  @Test
  void choose_native_givesNativeLauncherOnLinuxWithJdk22() {
    assertThat(Launchers.choose(" Native ").name()).isEqualTo("native");
  }

  @Test
  void choose_auto_nativeOnlyWhenNativeAccessIsEnabled() {
    // Surefire runs without --enable-native-access, so auto must not make the JDK print its warning
    // here.
    assertThat(Launchers.choose("auto").name())
        .isEqualTo(Ffi.nativeAccessEnabled() ? "native" : "jdk");
  }

  @Test
  void choose_unknown_rejectedNamingPropertyAndValue() {
    assertThatThrownBy(() -> Launchers.choose("vfork"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rcx.exec.launcher")
        .hasMessageContaining("'vfork'");
  }
}
