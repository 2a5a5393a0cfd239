package io.basalt.engine.iscsi.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.engine.iscsi.NettyLeakCheck;
import io.basalt.engine.iscsi.pdu.Pdu;
import io.basalt.engine.iscsi.pdu.TextRequestPdu;
import io.basalt.engine.iscsi.pdu.TextResponsePdu;
import io.basalt.engine.iscsi.text.KeyValue;
import io.basalt.engine.iscsi.text.TextFormatException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class TextExchangeTest {

    private final TextExchange exchange = new TextExchange(ByteBufAllocator.DEFAULT, 16);
    private final List<List<KeyValue>> requests = new ArrayList<>();

    @AfterEach
    void release() {
        exchange.release();
    }

    private List<KeyValue> echoTwice(List<KeyValue> request) {
        requests.add(request);
        List<KeyValue> answer = new ArrayList<>(request);
        answer.addAll(request);
        return answer;
    }

    private static TextRequestPdu request(boolean continues, int ttt, String text) {
        TextRequestPdu pdu = new TextRequestPdu().initiatorTaskTag(5).targetTransferTag(ttt)
                .text(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        return pdu.continues(continues);
    }

    private static String text(TextResponsePdu response) {
        String text = response.data().toString(StandardCharsets.UTF_8);
        response.release();
        return text;
    }

    @Test
    void requestContinuedOverTwoPdusIsAnsweredAsOne() throws TextFormatException {
        TextResponsePdu acknowledgement = exchange.respond(request(true, Pdu.RESERVED_TAG, "Send"), this::echoTwice);
        assertThat(acknowledgement.isFinal()).isFalse();
        assertThat(acknowledgement.dataSegmentLength()).isZero();

        TextResponsePdu answer = exchange.respond(request(false, acknowledgement.targetTransferTag(), "Targets=All\0"),
                request -> List.of(new KeyValue("k", "v")));

        assertThat(answer.isFinal()).isTrue();
        assertThat(text(answer)).isEqualTo("k=v\0");
    }

    @Test
    void answerLongerThanTheInitiatorAcceptsComesInPiecesOnRequest() throws TextFormatException {
        TextResponsePdu first = exchange.respond(request(false, Pdu.RESERVED_TAG, "SendTargets=All\0"), this::echoTwice);
        StringBuilder answer = new StringBuilder(text(first));
        TextResponsePdu piece = first;
        int pieces = 1;
        while (!piece.isFinal()) {
            assertThat(piece.continues()).isTrue();
            piece = exchange.respond(request(false, piece.targetTransferTag(), ""), this::echoTwice);
            answer.append(text(piece));
            pieces++;
        }

        assertThat(answer.toString()).isEqualTo("SendTargets=All\0SendTargets=All\0");
        assertThat(pieces).isEqualTo(2);
        assertThat(requests).hasSize(1);
    }

    @Test
    void overlongRequestTextIsRefused() {
        String chunk = "X".repeat(8192);

        assertThatThrownBy(() -> {
            for (int i = 0; i < 10; i++) {
                exchange.respond(request(true, Pdu.RESERVED_TAG, chunk), this::echoTwice).release();
            }
        }).isInstanceOf(TextFormatException.class);
    }
}
