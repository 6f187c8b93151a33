package io.sextant.server.cli;

import picocli.CommandLine.Option;

/** The {@code --url} and {@code --api-key} options shared by the REST client commands. */
public final class RestOptions {
    @Option(
            names = "--url",
            defaultValue = "http://localhost:6333",
            description = "REST URL (default: ${DEFAULT-VALUE})")
    String url;

    @Option(
            names = "--api-key",
            defaultValue = "${env:SEXTANT_API_KEY}",
            description = "API key (default: env SEXTANT_API_KEY)")
    String apiKey;

    RestClient client(int retries) {
        return new RestClient(url, apiKey, retries);
    }
}
