// ClassGen — writes a minimal class file by hand (no libraries): a public
// class NAME extends java.lang.Object with METHODS static methods
// "mN()I" each returning N.  Class-file facts: JVMS chapter 4.
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

final class ClassGen {
  static byte[] make(String name, int methods) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(bo);
    o.writeInt(0xCAFEBABE);
    o.writeShort(0);
    o.writeShort(52); // Java 8 class file: no StackMapTable needed here
    int cpCount = 1 + 4 + 2 + 1 + methods;
    o.writeShort(cpCount);
    o.writeByte(1); o.writeUTF(name);               // #1 Utf8 name
    o.writeByte(7); o.writeShort(1);                // #2 Class name
    o.writeByte(1); o.writeUTF("java/lang/Object"); // #3
    o.writeByte(7); o.writeShort(3);                // #4 Class Object
    o.writeByte(1); o.writeUTF("()I");              // #5
    o.writeByte(1); o.writeUTF("Code");             // #6
    o.writeByte(1); o.writeUTF("x");                // #7 (unused)
    for (int i = 0; i < methods; i++) {             // #8.. method names
      o.writeByte(1); o.writeUTF("m" + i);
    }
    o.writeShort(0x0021); // public super
    o.writeShort(2);
    o.writeShort(4);
    o.writeShort(0); // interfaces
    o.writeShort(0); // fields
    o.writeShort(methods);
    for (int i = 0; i < methods; i++) {
      o.writeShort(0x0009); // public static
      o.writeShort(8 + i);
      o.writeShort(5);
      o.writeShort(1); // attributes
      o.writeShort(6); // Code
      byte[] code = {0x10, (byte) (i & 0x7f), (byte) 0xAC}; // bipush i; ireturn
      o.writeInt(2 + 2 + 4 + code.length + 2 + 2);
      o.writeShort(1); // max_stack
      o.writeShort(0); // max_locals
      o.writeInt(code.length);
      o.write(code);
      o.writeShort(0); // exception table
      o.writeShort(0); // attributes
    }
    o.writeShort(0); // class attributes
    o.flush();
    return bo.toByteArray();
  }
}
