// Churn.java - tiny allocation workload for gcpulse test fixtures.
// Usage: java Churn <mode> [MiB]
//   mode "oom":   keeps a growing live set plus short-lived garbage until the
//                 heap is exhausted (OutOfMemoryError), then exits 3.
//   mode "steady": churns short-lived garbage with a small, bounded live set
//                 until the given number of MiB (default 200) is allocated,
//                 with one System.gc() half way.
import java.util.ArrayList;
import java.util.List;

public class Churn {
    static volatile Object sink;

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "steady";
        long mib = args.length > 1 ? Long.parseLong(args[1]) : 200;
        if (mode.equals("oom")) {
            oom();
        } else {
            steady(mib);
        }
    }

    static void oom() {
        List<byte[]> live = new ArrayList<>();
        try {
            for (int i = 0; ; i++) {
                for (int j = 0; j < 16; j++) sink = new byte[8 * 1024];
                live.add(new byte[16 * 1024]);
            }
        } catch (OutOfMemoryError e) {
            int n = live.size();
            live = null;
            System.out.println("OOM after " + n + " retained blocks");
            System.exit(3);
        }
    }

    static void steady(long mib) {
        long total = mib << 20, done = 0;
        boolean forced = false;
        byte[][] ring = new byte[512][];
        int k = 0;
        while (done < total) {
            for (int j = 0; j < 64; j++) sink = new byte[4096];
            ring[k++ & 511] = new byte[32 * 1024];
            done += 64 * 4096 + 32 * 1024;
            if (!forced && done > total / 2) {
                System.gc();
                forced = true;
            }
        }
    }
}
