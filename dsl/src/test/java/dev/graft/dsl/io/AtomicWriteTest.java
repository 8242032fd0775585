package dev.graft.dsl.io;

import static dev.graft.dsl.io.SafetensorsRoundTripTest.listing;
import static dev.graft.dsl.io.SafetensorsRoundTripTest.readBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails at any point leaves the previous file byte-identical and no temp file. */
class AtomicWriteTest {
  @TempDir
  Path dir;

  private Path target;
  private byte[] before;

  @BeforeEach
  void previousFile() {
    target = dir.resolve("model.safetensors");
    Safetensors.write(target, Map.of("w", Tensor.of(new float[] {1f, 2f}, 2)),
        Map.of("v", "1"));
    before = readBytes(target);
  }

  private void assertOldFileIntact() {
    assertArrayEquals(before, readBytes(target));
  }

  private void assertUntouched() {
    assertOldFileIntact();
    assertEquals(List.of(target), listing(dir), "no temporary file is left behind");
  }

  @Test
  void ioFailureMidwayIsWrappedAndCleanedUp() {
    IOException full = new IOException("No space left on device (simulated)");
    var e = assertThrows(SafetensorsException.class, () -> AtomicFiles.write(target, ch -> {
      ch.write(ByteBuffer.wrap(new byte[4096]));
      throw full;
    }));
    assertSame(full, e.getCause());
    assertEquals(target, e.file());
    assertTrue(e.getMessage().startsWith(target + ": cannot write: "), e.getMessage());
    assertUntouched();
  }

  @Test
  void uncheckedFailureMidwayPropagatesAndIsCleanedUp() {
    IllegalStateException boom = new IllegalStateException("boom");
    var e = assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, ch -> {
      ch.write(ByteBuffer.wrap(new byte[100]));
      throw boom;
    }));
    assertSame(boom, e);
    assertUntouched();
  }

  @Test
  void tensorMapWhoseIterationThrowsLeavesTheOldFile() {
    IllegalStateException boom = new IllegalStateException("iteration failed");
    Map<String, Tensor> failing = new AbstractMap<>() {
      @Override
      public Set<Entry<String, Tensor>> entrySet() {
        return new java.util.AbstractSet<>() {
          @Override
          public Iterator<Entry<String, Tensor>> iterator() {
            Iterator<Entry<String, Tensor>> first =
                List.of(Map.entry("a", Tensor.ones(3))).iterator();
            return new Iterator<>() {
              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Entry<String, Tensor> next() {
                if (first.hasNext()) {
                  return first.next();
                }
                throw boom;
              }
            };
          }

          @Override
          public int size() {
            return 2;
          }
        };
      }
    };
    assertSame(boom, assertThrows(IllegalStateException.class,
        () -> Safetensors.write(target, failing)));
    assertUntouched();
  }

  @Test
  void renameOntoADirectoryFailsAtTheLastStepAndLeavesNoTemp() throws IOException {
    Path occupied = Files.createDirectory(dir.resolve("occupied.safetensors"));
    Files.write(occupied.resolve("inside"), new byte[] {7});
    var e = assertThrows(SafetensorsException.class,
        () -> Safetensors.write(occupied, Map.of("w", Tensor.ones(2))));
    assertEquals(occupied, e.file());
    assertTrue(Files.isDirectory(occupied));
    assertArrayEquals(new byte[] {7}, Files.readAllBytes(occupied.resolve("inside")));
    assertEquals(Set.of(target, occupied), Set.copyOf(listing(dir)), "no temporary file");
    assertOldFileIntact();
  }

  @Test
  void readOnlyDirectoryIsRefusedAndLeavesTheOldFile() throws IOException {
    assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX only");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeFalse(Files.isWritable(dir), "permissions are not enforced for this user (root?)");
      var e = assertThrows(SafetensorsException.class,
          () -> Safetensors.write(target, Map.of("w", Tensor.ones(5))));
      assertEquals(target, e.file());
      assertInstanceOf(IOException.class, e.getCause());
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    assertUntouched();
  }

  @Test
  void successfulWriteReplacesTheFileWithUsualPermissionsAndNoTemp() throws IOException {
    Safetensors.write(target, Map.of("w", Tensor.of(new float[] {3f, 4f}, 2)));
    assertEquals(Tensor.of(new float[] {3f, 4f}, 2), Safetensors.read(target).tensors().get("w"));
    assertEquals(List.of(target), listing(dir));
    if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null) {
      Path plain = Files.createFile(dir.resolve("plain"));
      assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target),
          "the umask applies, not a temp file's owner-only mode");
    }
  }
}
