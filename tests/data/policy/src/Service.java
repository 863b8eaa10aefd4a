// Service — JVM request-loop services that produce the second set of
// policy fixtures (../make.sh).  Each "request" allocates short-lived
// garbage; what the service retains decides the pathology.
//
//   Service leak SECONDS RPS KB_KEPT   flat traffic (RPS requests/s, 64 KB
//                              of garbage each); every request keeps
//                              KB_KEPT KB in a session map that is never
//                              pruned: the live heap climbs to OOM.
//   Service promo SECONDS      traffic rises 200 -> 1600 requests/s and
//                              each request's result is cached for a time
//                              that grows with the load: young GCs come
//                              faster and more survives them (promotion
//                              rate rising).
//   Service stall SECONDS MBPS (ZGC) a 150 MB live cache, updated in
//                              place, plus MBPS MB/s of request garbage:
//                              allocation stalls when the collector
//                              cannot keep up.
//   Service healthy SECONDS    flat 300 requests/s, 64 KB of garbage each,
//                              a bounded 24 MB cache: the control.
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class Service {
  static volatile Object sink;

  // one request: 64 KB of short-lived garbage in 1 KB pieces
  static byte[] request(long id) {
    byte[] last = null;
    for (int i = 0; i < 64; i++) {
      last = new byte[1024];
      last[0] = (byte) id;
      sink = last;
    }
    return last;
  }

  // Paces a request loop at RPS: returns how many requests are due in
  // the next 10 ms tick (fractions carried over), after sleeping for it.
  static double owed;

  static int due(double rps) throws InterruptedException {
    Thread.sleep(10);
    owed += rps * 0.01;
    int k = (int) owed;
    owed -= k;
    return k;
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    double secs = Double.parseDouble(args[1]);
    long t0 = System.nanoTime();
    long end = t0 + (long) (secs * 1e9);
    long n = 0;
    if (mode.equals("leak")) {
      double rps = Double.parseDouble(args[2]);
      int kept = Integer.parseInt(args[3]);
      Map<Long, byte[]> sessions = new HashMap<>();
      while (System.nanoTime() < end) {
        for (int k = due(rps); k > 0; k--, n++) {
          request(n);
          sessions.put(n, new byte[kept * 1024]); // never removed
        }
      }
      sink = sessions;
    } else if (mode.equals("promo")) {
      ArrayDeque<Object[]> cache = new ArrayDeque<>();
      while (System.nanoTime() < end) {
        double el = (System.nanoTime() - t0) / 1e9;
        double f = el / secs;
        double rps = 200 + 1400 * f;
        // entries live for 0.2 s at the start, 3 s at the end
        int keep = (int) (rps * (0.2 + 2.8 * f));
        for (int k = due(rps); k > 0; k--, n++) {
          request(n);
          cache.addLast(new Object[] {new byte[2048], new long[64]});
        }
        while (cache.size() > keep) cache.removeFirst();
      }
      sink = cache;
    } else if (mode.equals("stall")) {
      // a 150 MB cache updated in place plus MBPS MB/s of request garbage
      int mbps = Integer.parseInt(args[2]);
      Object[] cache = new Object[150 * 1024];
      for (int i = 0; i < cache.length; i++) cache[i] = new byte[1000];
      long k = 0;
      while (System.nanoTime() < end) {
        for (int j = due(mbps * 16.0); j > 0; j--, n++) {
          request(n); // 64 KB
          cache[(int) (k++ % cache.length)] = new byte[1000];
        }
      }
      sink = cache;
    } else if (mode.equals("healthy")) {
      ArrayDeque<byte[]> cache = new ArrayDeque<>();
      while (System.nanoTime() < end) {
        for (int k = due(300); k > 0; k--, n++) {
          request(n);
          cache.addLast(new byte[4096]);
          if (cache.size() > 6000) cache.removeFirst(); // 24 MB bounded
        }
      }
      sink = cache;
    }
  }
}
