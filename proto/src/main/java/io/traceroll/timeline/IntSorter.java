package io.traceroll.timeline;

/**
 * Stable merge sort of an {@code int[]} of indices under a caller-supplied order: sorting 100k
 * span indices this way needs one scratch array instead of 100k boxed Integers.
 */
final class IntSorter {
  @FunctionalInterface
  interface IntComparator {
    int compare(int a, int b);
  }

  private IntSorter() {}

  static void sort(int[] a, IntComparator cmp) {
    if (a.length < 2) {
      return;
    }
    int[] src = a;
    int[] dst = new int[a.length];
    int n = a.length;
    // insertion-sort short runs, then bottom-up merge passes
    final int run = 16;
    for (int lo = 0; lo < n; lo += run) {
      int hi = Math.min(lo + run, n);
      for (int i = lo + 1; i < hi; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= lo && cmp.compare(a[j], v) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
    }
    for (int width = run; width < n; width <<= 1) {
      for (int lo = 0; lo < n; lo += width << 1) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + (width << 1), n);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          dst[k++] = cmp.compare(src[j], src[i]) < 0 ? src[j++] : src[i++];
        }
        while (i < mid) {
          dst[k++] = src[i++];
        }
        while (j < hi) {
          dst[k++] = src[j++];
        }
      }
      int[] t = src;
      src = dst;
      dst = t;
    }
    if (src != a) {
      System.arraycopy(src, 0, a, 0, n);
    }
  }
}
