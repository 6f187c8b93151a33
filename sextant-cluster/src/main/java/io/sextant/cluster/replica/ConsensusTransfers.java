package io.sextant.cluster.replica;

import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.MetadataResult;
import io.sextant.cluster.ShardTransfer;
import io.sextant.cluster.TransferBook;
import io.sextant.segment.error.ServiceException;
import java.util.List;
import java.util.function.Function;

/**
 * The {@link TransferLog} of a cluster peer: reads this peer's {@link TransferBook} and records
 * changes by proposing {@code start_transfer} and {@code finish_transfer} entries to the metadata
 * group (the proposer returns once this peer applied the entry). Thread-safe (the book is; the
 * proposer is).
 */
public final class ConsensusTransfers implements TransferLog {

    private final TransferBook book;
    private final Function<MetadataCommand, MetadataResult> proposer;

    /**
     * @param book this peer's transfer book
     * @param proposer replicates a command through the metadata group and returns its result once
     *     this peer applied it
     */
    public ConsensusTransfers(TransferBook book, Function<MetadataCommand, MetadataResult> proposer) {
        this.book = book;
        this.proposer = proposer;
    }

    @Override
    public ShardTransfer find(String collection, int shardId, long to) {
        return book.get(collection, shardId, to);
    }

    @Override
    public List<ShardTransfer> list(String collection) {
        return book.list(collection);
    }

    @Override
    public void start(String collection, ShardTransfer t) {
        propose(t.startCommand(collection), "record the start of", t);
    }

    @Override
    public void finish(String collection, ShardTransfer t) {
        propose(t.finishCommand(collection), "record the end of", t);
    }

    private void propose(MetadataCommand c, String what, ShardTransfer t) {
        MetadataResult r = proposer.apply(c);
        if (!r.succeeded()) {
            throw new ServiceException("Cannot " + what + " the transfer of shard " + t.shardId() + " of "
                    + c.collection() + " to peer " + Long.toUnsignedString(t.to()) + ": " + r.error());
        }
    }
}
