package io.sextant.collection;

import io.sextant.segment.error.UserException;

/**
 * Validates collection and alias names: non-empty, at most 255 characters, no {@code /}, {@code
 * \}, {@code ..}, NUL or other control characters, and not {@code .} (names are directory
 * names). Stateless and thread-safe.
 */
public final class NameValidator {
    public static final int MAX_LENGTH = 255;

    private NameValidator() {}

    /**
     * @param what "Collection" or "Alias", used in the message
     * @throws UserException (bad request) when the name is invalid
     */
    public static String validate(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw UserException.badRequest("Wrong input: " + what + " name must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw UserException.badRequest("Wrong input: " + what + " name must be at most " + MAX_LENGTH
                    + " characters, got " + name.length());
        }
        if (name.equals(".") || name.contains("..")) {
            throw UserException.badRequest("Wrong input: " + what + " name `" + name + "` must not be . or contain ..");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                throw UserException.badRequest(
                        "Wrong input: " + what + " name `" + name + "` must not contain / or \\");
            }
            if (Character.isISOControl(c)) {
                throw UserException.badRequest("Wrong input: " + what + " name must not contain control character U+"
                        + String.format("%04X", (int) c) + " (at index " + i + ")");
            }
        }
        return name;
    }
}
