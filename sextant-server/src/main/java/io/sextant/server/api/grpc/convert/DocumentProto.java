package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Points;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.convert.DocumentJson;

/**
 * Qdrant's gRPC {@code Document} ({@code text}, {@code model}, {@code map<string, Value> options})
 * as the same {@link DocumentJson.Document} the REST API produces: the options are read as the JSON
 * object they stand for, so both APIs accept and reject exactly the same documents. Stateless and
 * thread-safe.
 */
public final class DocumentProto {

    private DocumentProto() {}

    /**
     * @throws UserException (bad request) for an unknown model or malformed options
     */
    public static DocumentJson.Document parse(Points.Document d) {
        if (!DocumentJson.isBm25(d.getModel())) {
            throw DocumentJson.unknownModel(d.getModel());
        }
        return new DocumentJson.Document(
                d.getText(),
                d.getModel(),
                DocumentJson.bm25Options(d.getOptionsCount() == 0 ? null : ValueProto.toObject(d.getOptionsMap())));
    }
}
