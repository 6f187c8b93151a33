package io.sextant.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.query.PointRecord;
import java.util.List;

/** A page of scrolled points and the id to pass as the next offset (null when no more). */
public record ScrollPage(List<PointRecord> points, PointId nextOffset) {}
