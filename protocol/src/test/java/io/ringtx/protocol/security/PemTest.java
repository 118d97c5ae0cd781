package io.ringtx.protocol.security;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  @TempDir Path dir;

  @Test
  void aHugeFile_isRefusedWithoutReadingIt() throws Exception {
    Path big = dir.resolve("big.pem");
    try (var ch = Files.newByteChannel(big, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.position(Pem.MAX_BYTES);
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
    }
    assertThatThrownBy(() -> Pem.certificates(big))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than 1024 KiB");
    assertThatThrownBy(() -> Pem.secret(big)).hasMessageContaining("larger than");
  }

  @Test
  void devicesAndDirectories_areNotRead() {
    assertThatThrownBy(() -> Pem.secret(Path.of("/dev/zero")))
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> Pem.privateKey(dir)).hasMessageContaining("not a regular file");
  }
}
