package dev.graft.testkit;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes one class file refers to, read from its constant pool: every {@code Class} entry and
 * every class named in a UTF-8 entry shaped as a descriptor or generic signature ({@code
 * Lpkg/Name;} or {@code Lpkg/Name<...>;}) — which covers field and method types, generic
 * signatures, annotation types and lambda method types. Names are binary names with dots ({@code
 * dev.graft.dsl.Net$Parking}).
 */
final class ClassRefs {
  private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([\\w$/]+)[;<]");

  private static final int UTF8 = 1;
  private static final int INTEGER = 3;
  private static final int FLOAT = 4;
  private static final int LONG = 5;
  private static final int DOUBLE = 6;
  private static final int CLASS = 7;
  private static final int STRING = 8;
  private static final int FIELD_REF = 9;
  private static final int METHOD_REF = 10;
  private static final int INTERFACE_METHOD_REF = 11;
  private static final int NAME_AND_TYPE = 12;
  private static final int METHOD_HANDLE = 15;
  private static final int METHOD_TYPE = 16;
  private static final int DYNAMIC = 17;
  private static final int INVOKE_DYNAMIC = 18;
  private static final int MODULE = 19;
  private static final int PACKAGE = 20;

  /** The class this file defines. */
  final String name;
  /** The classes it refers to (itself excluded). */
  final Set<String> refs;

  private ClassRefs(String name, Set<String> refs) {
    this.name = name;
    this.refs = refs;
  }

  /**
   * Reads one class file.
   *
   * @param where names the file in error messages
   * @throws IOException on a read error or when the bytes are not a class file
   */
  static ClassRefs read(InputStream bytes, String where) throws IOException {
    DataInputStream in = new DataInputStream(bytes);
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException(where + ": not a class file (bad magic number)");
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNameIndex = new int[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case UTF8 -> utf8[i] = in.readUTF();
        case CLASS -> classNameIndex[i] = in.readUnsignedShort();
        case STRING, METHOD_TYPE, MODULE, PACKAGE -> in.readUnsignedShort();
        case INTEGER, FLOAT, FIELD_REF, METHOD_REF, INTERFACE_METHOD_REF, NAME_AND_TYPE, DYNAMIC,
            INVOKE_DYNAMIC -> in.readInt();
        case LONG, DOUBLE -> {
          in.readLong();
          i++; // takes two slots
        }
        case METHOD_HANDLE -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        default -> throw new IOException(where + ": unknown constant pool tag " + tag
            + " at entry " + i);
      }
    }
    in.readUnsignedShort(); // access flags
    int thisClass = in.readUnsignedShort();
    String self = binary(utf8[classNameIndex[thisClass]]);
    Set<String> refs = new LinkedHashSet<>();
    for (int i = 1; i < count; i++) {
      if (classNameIndex[i] != 0) {
        String n = utf8[classNameIndex[i]];
        if (n.startsWith("[")) {
          addDescriptorClasses(n, refs);
        } else {
          refs.add(binary(n));
        }
      } else if (utf8[i] != null) {
        addDescriptorClasses(utf8[i], refs);
      }
    }
    refs.remove(self);
    return new ClassRefs(self, refs);
  }

  private static void addDescriptorClasses(String text, Set<String> out) {
    Matcher m = DESCRIPTOR_CLASS.matcher(text);
    while (m.find()) {
      out.add(binary(m.group(1)));
    }
  }

  private static String binary(String internal) {
    return internal.replace('/', '.');
  }

  /** The package of binary class name {@code name}; empty for the unnamed package. */
  static String packageOf(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(0, dot);
  }
}
