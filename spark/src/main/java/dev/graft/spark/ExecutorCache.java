package dev.graft.spark;

import dev.graft.dsl.Net;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;

/**
 * The base nets decoded in this JVM, by broadcast id: an executor decodes a broadcast base once
 * and every later task of the run reuses it. Holds the two most recent bases (a finished run's
 * base is dropped when two newer ones arrive).
 */
final class ExecutorCache {
  private static final int CAPACITY = 2;
  private static final Map<Long, Net> NETS = new LinkedHashMap<>(4, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Net> eldest) {
      return size() > CAPACITY;
    }
  };

  private ExecutorCache() {}

  /**
   * The net a broadcast {@link Shipping#net} holds: its module decoded, exactly its trainable
   * paths trainable.
   */
  static Net net(Broadcast<byte[]> shipped) {
    long id = shipped.id();
    synchronized (NETS) {
      Net n = NETS.get(id);
      if (n != null) {
        return n;
      }
    }
    Net net = Shipping.net(shipped.value());
    synchronized (NETS) {
      NETS.put(id, net);
    }
    return net;
  }
}
