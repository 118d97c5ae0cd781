package io.ringtx.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksNativeLibraryTest {
  @TempDir Path tmp;

  // ---- the real library, in processes that are killed ----

  @Test
  void killedProcesses_leaveNoCopiesOfTheLibrary_andShareOneFile() throws Exception {
    Path jvmTmp = Files.createDirectory(tmp.resolve("jvm-tmp"));

    List<Path> first = libraryFilesAfterAKilledStore(jvmTmp, "a");
    assertThat(first).hasSize(1);
    Path file = first.get(0);
    assertThat(file.getFileName().toString()).startsWith("librocksdbjni");
    assertThat(jvmTmp.relativize(file).getNameCount())
        .as("the library is kept under the ringtx-native directory, not loose in the tmpdir")
        .isEqualTo(3);
    Object inode = Files.readAttributes(file, "unix:ino").get("ino");
    FileTime written = Files.getLastModifiedTime(file);

    assertThat(libraryFilesAfterAKilledStore(jvmTmp, "b")).containsExactly(file);
    assertThat(Files.readAttributes(file, "unix:ino").get("ino")).isEqualTo(inode);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(written);
  }

  /** {@link HoldStore} on {@code store} in a JVM of its own, with {@code jvmTmp} as its tmpdir. */
  private static ProcessBuilder holdStore(Path jvmTmp, Path store) {
    return new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + jvmTmp,
        "-cp", System.getProperty("java.class.path"), HoldStore.class.getName(),
        store.toString());
  }

  /** Runs a store in its own JVM, kills it once it is open, and lists every library file left. */
  private List<Path> libraryFilesAfterAKilledStore(Path jvmTmp, String name) throws Exception {
    Process holder =
        holdStore(jvmTmp, tmp.resolve(name)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).isEqualTo("open");
    } finally {
      holder.destroyForcibly();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    try (Stream<Path> files = Files.walk(jvmTmp)) {
      return files.filter(f -> f.getFileName().toString().contains("rocksdbjni"))
          .filter(Files::isRegularFile)
          .toList();
    }
  }

  @Test
  void theDirectory_isTheSystemPropertysWhenSet_elseOneOfThisUsersInTheTmpdir() {
    String before = System.getProperty(RocksNativeLibrary.DIR_PROPERTY);
    try {
      System.clearProperty(RocksNativeLibrary.DIR_PROPERTY);
      assertThat(RocksNativeLibrary.baseDir()).isEqualTo(Path.of(
          System.getProperty("java.io.tmpdir"), "ringtx-native-" + System.getProperty("user.name")));

      System.setProperty(RocksNativeLibrary.DIR_PROPERTY, tmp.resolve("mine").toString());
      assertThat(RocksNativeLibrary.baseDir()).isEqualTo(tmp.resolve("mine"));
    } finally {
      if (before == null) {
        System.clearProperty(RocksNativeLibrary.DIR_PROPERTY);
      } else {
        System.setProperty(RocksNativeLibrary.DIR_PROPERTY, before);
      }
    }
  }

  @Test
  void whenNoDirectoryCanHoldTheLibrary_openingAStoreFails_sayingWhatToChange() throws Exception {
    // A file where the temporary directory should be: nothing can be created under it, even by
    // root, so both this loader and RocksDB's own fail.
    Path notADirectory = Files.writeString(tmp.resolve("a-file"), "x");
    Process holder = holdStore(notADirectory.resolve("tmp"), tmp.resolve("store"))
        .redirectErrorStream(true)
        .start();
    String output = new String(holder.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(holder.exitValue()).as(output).isNotZero();
    assertThat(output)
        .contains("StorageException: cannot load RocksDB's native library")
        .contains(notADirectory.resolve("tmp").toString())
        .contains("-Dringtx.nativeDir=DIR")
        .doesNotContainPattern("(?m)^open$");
    assertThat(tmp.resolve("store")).doesNotExist();
  }

  // ---- extraction, with a jar of our own ----

  private static final String NAME = "libexample.so";

  private URL jarWith(byte[] content) throws IOException {
    Path jar = Files.createTempFile(tmp, "lib", ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(NAME));
      out.write(content);
      out.closeEntry();
    }
    return new URL("jar:" + jar.toUri() + "!/" + NAME);
  }

  private static byte[] content(int seed) {
    byte[] bytes = new byte[200_000];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  void extract_writesTheEntry_inDirectoriesOnlyThisUserMayUse() throws IOException {
    Path base = tmp.resolve("native");
    Path file = RocksNativeLibrary.extract(base, jarWith(content(1)), NAME);

    assertThat(Files.readAllBytes(file)).isEqualTo(content(1));
    assertThat(file.getParent().getParent()).isEqualTo(base);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(base)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    try (Stream<Path> left = Files.list(file.getParent())) {
      assertThat(left).as("no partial copies left").containsExactly(file);
    }
  }

  @Test
  void extract_reusesAMatchingFile_andReplacesOneThatDiffers() throws IOException {
    Path base = tmp.resolve("native");
    URL jar = jarWith(content(1));
    Path file = RocksNativeLibrary.extract(base, jar, NAME);
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file, old);

    assertThat(RocksNativeLibrary.extract(base, jar, NAME)).isEqualTo(file);
    assertThat(Files.getLastModifiedTime(file)).as("not written again").isEqualTo(old);

    byte[] damaged = content(1);
    damaged[100_000] ^= 1;
    Files.write(file, damaged);
    assertThat(RocksNativeLibrary.extract(base, jar, NAME)).isEqualTo(file);
    assertThat(Files.readAllBytes(file)).isEqualTo(content(1));
  }

  @Test
  void anotherVersionOfTheLibrary_goesToADirectoryOfItsOwn() throws IOException {
    Path base = tmp.resolve("native");
    Path one = RocksNativeLibrary.extract(base, jarWith(content(1)), NAME);
    Path two = RocksNativeLibrary.extract(base, jarWith(content(2)), NAME);

    assertThat(two.getParent()).isNotEqualTo(one.getParent());
    assertThat(Files.readAllBytes(one)).isEqualTo(content(1));
    assertThat(Files.readAllBytes(two)).isEqualTo(content(2));
  }

  @Test
  void aDirectoryOthersMayWrite_isRefused_andNothingIsWrittenThere() throws IOException {
    Path base = Files.createDirectory(tmp.resolve("shared"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> RocksNativeLibrary.extract(base, jarWith(content(1)), NAME))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("may be written by other users");
    try (Stream<Path> left = Files.list(base)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aPlainFileInPlaceOfTheDirectory_isRefused() throws IOException {
    Path base = Files.writeString(tmp.resolve("native"), "not a directory");

    assertThatThrownBy(() -> RocksNativeLibrary.extract(base, jarWith(content(1)), NAME))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not a directory");
  }

  @Test
  void aLibraryOutsideAJar_orMissing_isRefused() throws IOException {
    Path loose = Files.write(tmp.resolve(NAME), content(1));

    URL file = loose.toUri().toURL();
    assertThatThrownBy(() -> RocksNativeLibrary.extract(tmp.resolve("n"), file, NAME))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not in a jar");
    assertThatThrownBy(() -> RocksNativeLibrary.extract(tmp.resolve("n"), null, NAME))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not on the class path");
  }
}
