package io.inferencia.gpu.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InOrderRepliesTest {
  @Test
  void answersLeaveInAcceptanceOrder() {
    InOrderReplies replies = new InOrderReplies();
    List<Long> sent = new ArrayList<>();
    long a = replies.accept();
    long b = replies.accept();
    long c = replies.accept();
    replies.answer(c, () -> sent.add(c));
    replies.answer(b, () -> sent.add(b));
    assertEquals(List.of(), sent, "both wait for the first");
    assertEquals(2, replies.held());
    replies.answer(a, () -> sent.add(a));
    assertEquals(List.of(a, b, c), sent);
    long d = replies.accept();
    replies.answer(d, () -> sent.add(d));
    assertEquals(List.of(a, b, c, d), sent, "nothing earlier pending: at once");
    assertEquals(0, replies.held());
  }
}
