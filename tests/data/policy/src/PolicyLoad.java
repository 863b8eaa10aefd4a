// PolicyLoad — JVM workloads that produce the policy fixtures (../make.sh).
//
//   PolicyLoad steady SECONDS     low-load service: 1 MB/s of short-lived
//                                 garbage over a flat 8 MB live set.
//   PolicyLoad metaspace SECONDS RATE KEEP  keeps defining copies of a generated
//                                 class, each in its own class loader; a
//                                 growing share of the loaders is kept, so
//                                 metaspace fills and "Metadata GC
//                                 Threshold" full GCs come faster and
//                                 faster (ends in OutOfMemoryError:
//                                 Metaspace or at SECONDS).
//   PolicyLoad pauses SECONDS     a growing old generation of pointer-rich
//                                 nodes plus medium-lived garbage that is
//                                 promoted and dies: full GCs keep coming
//                                 and each one is longer than the last.
import java.util.ArrayList;
import java.util.List;

public class PolicyLoad {
  static volatile Object sink;

  static final class Node {
    Node next;
    Object a, b;
    Node(Node n) { next = n; }
  }

  /* A loader that defines a batch of generated classes.  Several big
   * classes per loader keep the metaspace chunk waste per loader small,
   * so "used" gets close to "committed" as the limit nears. */
  static final class Batch extends ClassLoader {
    Batch(long first, int count) throws Exception {
      super(null);
      for (int i = 0; i < count; i++) {
        byte[] b = ClassGen.make("Gen" + (first + i), 120);
        Class<?> c = defineClass(null, b, 0, b.length);
        sink = c.getDeclaredMethods().length; // link it
      }
    }
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    long end = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
    if (mode.equals("steady")) {
      Object[] live = new Object[2048];
      for (int i = 0; i < live.length; i++) live[i] = new byte[4096];
      while (System.nanoTime() < end) {
        for (int i = 0; i < 100; i++) sink = new byte[1024]; // 100 KB per 0.1 s
        Thread.sleep(100);
      }
    } else if (mode.equals("metaspace")) {
      // RATE loaders of 16 classes per second; the share of loaders kept rises linearly
      // from 0 to KEEP over the run.
      int rate = Integer.parseInt(args[2]);
      double keep = Double.parseDouble(args[3]);
      double secs = Double.parseDouble(args[1]);
      long t0 = System.nanoTime();
      List<ClassLoader> kept = new ArrayList<>();
      long n = 0;
      double owed = 0;
      while (System.nanoTime() < end) {
        double el = (System.nanoTime() - t0) / 1e9;
        Batch l = new Batch(n * 16, 16);
        owed += keep * el / secs;
        if (owed >= 1) {
          owed -= 1;
          kept.add(l);
        }
        n++;
        Thread.sleep(1000 / rate); // about RATE batches/s
      }
      sink = kept;
    } else if (mode.equals("pauses")) {
      Node old = null;
      Object[] mid = new Object[150_000];
      long i = 0;
      while (System.nanoTime() < end) {
        for (int k = 0; k < 20_000; k++) {
          Node x = new Node(null);
          x.a = new int[4];
          mid[(int) (i++ % mid.length)] = x; // lives ~ a few young GCs
        }
        for (int k = 0; k < 6_000; k++) { // kept forever, pointer-rich
          Node x = new Node(old);
          x.a = new Node(null);
          old = x;
        }
        sink = old;
        Thread.sleep(5);
      }
    }
  }
}
