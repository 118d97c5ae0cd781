package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ringtx} run in a scratch copy of the repository's layout, with a stand-in {@code
 * mvn} and {@code java}: what its rebuild does to the jar that running nodes have open.
 */
@DisabledOnOs(OS.WINDOWS)
class RingtxScriptTest {
  @TempDir Path repo;

  /**
   * Nodes started from the jar ({@code ringtx local}, a process cluster) keep it open and load
   * classes from it as they need them. Maven's jar plugin rewrites {@code ringtx.jar} in place,
   * so a rebuild triggered by any later {@code bin/ringtx} call (after a {@code git pull}, say)
   * must not reuse the file they hold: before, their next new class failed to load and a
   * running coordinator stopped answering commits.
   */
  @Test
  void aRebuild_leavesTheJarThatRunningNodesHoldOpenAsItWas() throws Exception {
    Files.createDirectories(repo.resolve("bin"));
    Path script = repo.resolve("bin/ringtx");
    Files.copy(Path.of("..", "bin", "ringtx"), script);
    executable(script);
    Path jar = Files.createDirectories(repo.resolve("dist/target")).resolve("ringtx.jar");
    Files.writeString(jar, "old build");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
    Files.writeString(repo.resolve("pom.xml"), "<project/>"); // newer than the jar: stale
    // Stand-ins: mvn writes the jar in place as Maven's jar plugin does, java does nothing.
    Path tools = Files.createDirectories(repo.resolve("tools/bin"));
    executable(Files.writeString(tools.resolve("mvn"), "#!/bin/sh\n"
        + "mkdir -p dist/target && printf 'new build' 1<> dist/target/ringtx.jar\n"));
    executable(Files.writeString(tools.resolve("java"), "#!/bin/sh\nexit 0\n"));

    try (FileChannel running = FileChannel.open(jar, StandardOpenOption.READ)) {
      ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--version")
          .redirectErrorStream(true);
      pb.environment().put("PATH", tools + ":" + System.getenv("PATH"));
      pb.environment().put("JAVA_HOME", repo.resolve("tools").toString());
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains("building ringtx (sources changed)");

      assertThat(Files.readString(jar)).isEqualTo("new build");
      ByteBuffer held = ByteBuffer.allocate(64);
      running.read(held, 0);
      assertThat(new String(held.array(), 0, held.position(), StandardCharsets.UTF_8))
          .isEqualTo("old build");
    }
  }

  private static Path executable(Path file) throws Exception {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
