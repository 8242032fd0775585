package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An atomic replace keeps the target's POSIX permissions, and its temporary name fits the
 * 255-byte limit on a file name whatever script the target's name is in.
 */
class AtomicReplaceTest {
  private static final Map<String, Tensor> TENSORS = Map.of("w", Tensor.of(new float[] {1, 2}, 2));

  @TempDir
  Path dir;

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  @Test
  void replacingAPrivateFileKeepsItPrivate() throws IOException {
    assumeTrue(posix(), "POSIX permissions");
    Path target = dir.resolve("secret.safetensors");
    Safetensors.write(target, TENSORS);
    for (String mode : List.of("rw-------", "rw-r-----", "r--------")) {
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
      Safetensors.write(target, Map.of("w", Tensor.of(new float[] {3, 4}, 2)));
      assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
      assertEquals(4f, Safetensors.read(target).tensors().get("w").value(1));
    }
  }

  @Test
  void aNewFileGetsTheUsualPermissions() throws IOException {
    assumeTrue(posix(), "POSIX permissions");
    Path plain = dir.resolve("plain.txt");
    Files.writeString(plain, "x");
    Path target = dir.resolve("new.safetensors");
    Safetensors.write(target, TENSORS);
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
  }

  @Test
  void aLegalNameOf246BytesOfUtf8CanBeWritten() {
    String name = "字".repeat(77) + ".safetensors"; // 231 + 12 = 243 bytes ...
    name = "ab" + "c".repeat(246 - 2 - name.getBytes(StandardCharsets.UTF_8).length) + name;
    assertEquals(246, name.getBytes(StandardCharsets.UTF_8).length);
    Path target = dir.resolve(name);
    Safetensors.write(target, TENSORS);
    assertEquals(TENSORS, Safetensors.read(target).tensors());
    assertEquals(List.of(target), SafetensorsRoundTripTest.listing(dir));
  }

  @Test
  void aNameOfFourByteCharactersIsNotCutInsideOne() {
    String name = "a" + "\uD83D\uDE00".repeat(60) + ".st"; // 1 + 240 + 3 = 244 bytes
    Path target = dir.resolve(name);
    Safetensors.write(target, TENSORS);
    assertEquals(TENSORS, Safetensors.read(target).tensors());
  }

  @Test
  void theStemIsCutByBytesAtACharacterBoundary() {
    assertEquals("abc", AtomicFiles.stem("abc"));
    String cjk = "字".repeat(40); // 120 bytes
    assertEquals("字".repeat(33), AtomicFiles.stem(cjk)); // 99 bytes; a 34th would make 102
    String emoji = "a" + "\uD83D\uDE00".repeat(30);
    String s = AtomicFiles.stem(emoji);
    assertEquals(1 + 24 * 2, s.length()); // 1 + 24 * 4 = 97 bytes
    assertTrue(AtomicFiles.tempName(cjk.repeat(3)).getBytes(StandardCharsets.UTF_8).length
        <= AtomicFiles.STEM_BYTES + 22);
  }
}
