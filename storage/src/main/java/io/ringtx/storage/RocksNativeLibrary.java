package io.ringtx.storage;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's JNI library once per process from one file per library version, kept for
 * every later process.
 *
 * <p>RocksDB's own loader copies the 17 MB library out of its jar to a new temporary file each
 * time a process starts and deletes it when the JVM exits normally. A node that is killed (kill
 * -9, the out-of-memory killer, a crash) leaves its copy behind, so a node in a crash loop, or a
 * test suite that kills nodes on purpose, fills the temporary directory. Here the library goes
 * to {@code <dir>/rocksdbjni-<size>-<crc32>/}, written once (to a temporary name, checked
 * against the jar entry's CRC-32, then renamed into place) and loaded from there by every
 * process.
 *
 * <p>{@code <dir>} is the {@code ringtx.nativeDir} system property if set (e.g. {@code
 * RINGTX_JAVA_OPTS=-Dringtx.nativeDir=/var/lib/ringtx/native}), else {@code ringtx-native-<user>}
 * in {@code java.io.tmpdir}. It must be a directory owned by this user that no one else may write
 * to (it is created so): a library another user could replace would run as this process. When
 * the directory is not fit, or the library is not in a jar, RocksDB's own loader is used and the
 * reason logged.
 */
public final class RocksNativeLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(RocksNativeLibrary.class);

  /** The system property that names the directory of extracted libraries. */
  public static final String DIR_PROPERTY = "ringtx.nativeDir";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private static boolean loaded;

  private RocksNativeLibrary() {}

  /**
   * Loads the library if this process has not yet; safe to call from any thread, any time.
   *
   * @throws StorageException if neither this loader nor RocksDB's own can load it, naming both
   *     causes and what to change
   */
  public static synchronized void load() {
    if (loaded) {
      return;
    }
    // The jar's entry and RocksDB's own loader use this name; the loader of a given directory,
    // RocksDB.loadLibrary(List), looks there for getJniLibraryFileName("rocksdbjni") instead
    // ("librocksdbjnijni-linux64.so" in 11.x), so the copy takes the name that loader wants.
    // Should a later RocksDB change either name, the load fails here, RocksDB's own loader takes
    // over, and RocksNativeLibraryTest's killed processes leave copies behind: it fails.
    String entry = Environment.getJniLibraryFileName("rocksdb");
    String copy = Environment.getJniLibraryFileName("rocksdbjni");
    Path base = baseDir();
    try {
      Path file = extract(base, RocksDB.class.getClassLoader().getResource(entry), copy);
      RocksDB.loadLibrary(List.of(file.getParent().toString()));
    } catch (IOException | UnsatisfiedLinkError | RuntimeException first) {
      LOG.warn("RocksDB's library is loaded by RocksDB's own loader, to a new temporary file that a"
          + " killed process leaves behind: {}", first.toString());
      try {
        RocksDB.loadLibrary();
      } catch (UnsatisfiedLinkError | RuntimeException second) {
        StorageException failure = new StorageException("cannot load RocksDB's native library:"
            + " copying it to " + base + " failed (" + first + "), and so did RocksDB's own"
            + " loader, which copies it to java.io.tmpdir " + System.getProperty("java.io.tmpdir")
            + " (" + second + "). Give a directory this user may write and execute from:"
            + " -D" + DIR_PROPERTY + "=DIR (in RINGTX_JAVA_OPTS for bin/ringtx) or"
            + " -Djava.io.tmpdir=DIR.", second);
        failure.addSuppressed(first);
        throw failure;
      }
    }
    loaded = true;
  }

  /** The directory under which libraries are extracted. */
  static Path baseDir() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "ringtx-native-" + user);
  }

  /**
   * The library {@code resource} (a jar entry) as a file named {@code fileName} under {@code
   * base}: the file already there if its size and CRC-32 match the entry, else a new copy.
   *
   * @throws IOException if the resource is missing or not in a jar, {@code base} is not a
   *     private directory of this user, or the copy fails or does not match the entry
   */
  static Path extract(Path base, URL resource, String fileName) throws IOException {
    if (resource == null) {
      throw new IOException("RocksDB's library for this platform is not on the class path");
    }
    URLConnection connection = resource.openConnection();
    connection.setUseCaches(false);
    if (!(connection instanceof JarURLConnection)) {
      throw new IOException(resource + " is not in a jar");
    }
    JarEntry entry = ((JarURLConnection) connection).getJarEntry();
    long size = entry.getSize();
    long crc = entry.getCrc();
    if (size < 0 || crc < 0) {
      throw new IOException("the jar does not record the size and CRC of " + resource);
    }
    privateDirectory(base);
    Path dir = base.resolve("rocksdbjni-" + size + "-" + Long.toHexString(crc));
    privateDirectory(dir);
    Path file = dir.resolve(fileName);
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == size
        && crc32(Files.newInputStream(file), OutputStream.nullOutputStream()) == crc) {
      return file;
    }
    Path part = Files.createTempFile(dir, fileName + ".", ".part");
    try {
      long copied;
      try (OutputStream out = Files.newOutputStream(part)) {
        copied = crc32(connection.getInputStream(), out);
      }
      long length = Files.size(part);
      if (length != size || copied != crc) {
        throw new IOException("the copy of " + fileName + " does not match its jar entry ("
            + length + " bytes, CRC " + Long.toHexString(copied) + "; the jar says "
            + size + " bytes, CRC " + Long.toHexString(crc) + ")");
      }
      try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      // A rename within one directory: atomic, so a process never loads a partial copy.
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** Creates {@code dir} for this user alone, or checks that it is a directory that is. */
  private static void privateDirectory(Path dir) throws IOException {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (FileAlreadyExistsException e) {
      // checked below
    }
    PosixFileAttributes attributes =
        Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isDirectory()) {
      throw new IOException(dir + " is not a directory");
    }
    long owner = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .longValue();
    long self = new UnixSystem().getUid();
    if (owner != self) {
      throw new IOException(dir + " belongs to user " + attributes.owner().getName() + " (uid "
          + owner + "), not to this process's (uid " + self + ")");
    }
    Set<PosixFilePermission> permissions = attributes.permissions();
    if (permissions.contains(PosixFilePermission.GROUP_WRITE)
        || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(dir + " may be written by other users ("
          + PosixFilePermissions.toString(permissions) + ")");
    }
  }

  /** Copies {@code in} (closed after) to {@code out}; returns the CRC-32 of what it read. */
  private static long crc32(InputStream in, OutputStream out) throws IOException {
    try (CheckedInputStream checked = new CheckedInputStream(in, new CRC32())) {
      checked.transferTo(out);
      return checked.getChecksum().getValue();
    }
  }
}
