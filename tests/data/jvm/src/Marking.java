// Marking.java - G1 workload for the GC CPU fixture: a retained set kept
// near the initiating occupancy, so concurrent marking cycles run back to
// back between young pauses.
// Usage: java Marking <seconds> <retained MiB>
import java.util.Random;

public class Marking {
    static volatile Object sink;

    public static void main(String[] args) throws Exception {
        double secs = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int slots = mib * 128; // 8 KiB blocks
        byte[][] keep = new byte[slots][];
        Random r = new Random(1);
        long n = 0;
        long end = System.nanoTime() + (long) (secs * 1e9);
        while (System.nanoTime() < end) {
            for (int j = 0; j < 32; j++) sink = new byte[1024 + r.nextInt(8192)];
            keep[r.nextInt(slots)] = new byte[8192];
            if (++n % 5 == 0) Thread.sleep(1);
        }
    }
}
