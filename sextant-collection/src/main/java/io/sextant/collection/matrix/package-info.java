/**
 * Distance matrices ({@code points/search/matrix/pairs|offsets}): a uniform reservoir sample of the
 * points having the vector, then one nearest query per sampled point restricted to the sample
 * ({@link io.sextant.collection.matrix.MatrixSampler}).
 */
package io.sextant.collection.matrix;
