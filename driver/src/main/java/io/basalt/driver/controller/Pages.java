package io.basalt.driver.controller;

import java.util.List;
import java.util.function.Function;

/**
 * Pagination of name-ordered lists: a token is the name of the first entry of the next page, so a
 * page stays correct when entries before it come or go.
 */
final class Pages {

    private Pages() {
    }

    /**
     * @param entries all entries, ordered by name
     * @param maxEntries at most this many (0: all)
     * @param startingToken the token of a previous page, or "" for the first
     */
    static <T> Page<T> of(List<T> entries, Function<T, String> name, int maxEntries, String startingToken) {
        if (maxEntries < 0) {
            throw CsiErrors.invalidArgument("max_entries must not be negative, not " + maxEntries);
        }
        if (!startingToken.isEmpty() && !ResourceNames.isValidId(startingToken)) {
            throw CsiErrors.aborted("starting_token '" + startingToken + "' was not issued by this plugin");
        }
        List<T> rest = entries.stream().filter(e -> name.apply(e).compareTo(startingToken) >= 0).toList();
        if (maxEntries == 0 || rest.size() <= maxEntries) {
            return new Page<>(rest, "");
        }
        return new Page<>(rest.subList(0, maxEntries), name.apply(rest.get(maxEntries)));
    }

    record Page<T>(List<T> entries, String nextToken) {
    }
}
