package io.sextant.server.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link UnaryCalls#run}: an {@link Error} of one call is answered with INTERNAL and a description. */
class UnaryCallsTest {

    /** Records what a call sent. */
    static final class Recorder implements StreamObserver<String> {
        final List<String> values = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();
        int completed;

        @Override
        public void onNext(String value) {
            values.add(value);
        }

        @Override
        public void onError(Throwable t) {
            errors.add(t);
        }

        @Override
        public void onCompleted() {
            completed++;
        }
    }

    @Test
    void errorsBecomeInternalWithADescription() {
        for (Error e : new Error[] {new OutOfMemoryError("Java heap space"), new StackOverflowError()}) {
            Recorder o = new Recorder();
            UnaryCalls.run(o, "Points/Query", () -> {
                throw e;
            });
            assertThat(o.values).isEmpty();
            assertThat(o.completed).isZero();
            assertThat(o.errors).hasSize(1);
            Status s = Status.fromThrowable(o.errors.get(0));
            assertThat(s.getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(s.getDescription())
                    .startsWith("Service internal error: " + e.getClass().getName());
        }
        Recorder ok = new Recorder();
        UnaryCalls.run(ok, "Points/Query", () -> "fine");
        assertThat(ok.values).containsExactly("fine");
        assertThat(ok.completed).isEqualTo(1);
        assertThat(ok.errors).isEmpty();
    }
}
