package io.inferencia.gpu.jobs;

import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * A pass-through stage that measures waiting: time from asking upstream for an element until it came
 * ({@code upstream}: how long storage reads kept the task waiting) and from handing an element on until
 * downstream asked for the next ({@code downstream}: how long uploads held the task back). Neither adds a
 * buffer or a thread.
 */
final class WaitTimer<T> extends GraphStage<FlowShape<T, T>> {
  private final Inlet<T> in = Inlet.create("WaitTimer.in");
  private final Outlet<T> out = Outlet.create("WaitTimer.out");
  private final FlowShape<T, T> shape = FlowShape.of(in, out);
  private final LongAdder upstream;
  private final LongAdder downstream;

  private WaitTimer(LongAdder upstream, LongAdder downstream) {
    this.upstream = upstream;
    this.downstream = downstream;
  }

  static <T> WaitTimer<T> upstream(LongAdder into) {
    return new WaitTimer<>(into, new LongAdder());
  }

  static <T> WaitTimer<T> downstream(LongAdder into) {
    return new WaitTimer<>(new LongAdder(), into);
  }

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private long pulledAt;
      private long pushedAt = -1;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            long now = System.nanoTime();
            upstream.add(now - pulledAt);
            pushedAt = now;
            push(out, grab(in));
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            long now = System.nanoTime();
            if (pushedAt >= 0) downstream.add(now - pushedAt);
            pulledAt = now;
            pull(in);
          }
        });
      }
    };
  }
}
