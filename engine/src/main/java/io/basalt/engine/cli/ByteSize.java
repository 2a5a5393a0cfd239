package io.basalt.engine.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Sizes such as {@code 1073741824}, {@code 512M}, {@code 1Gi}: K/M/G/T and Ki/Mi/Gi/Ti are powers of 1024. */
public final class ByteSize implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    public static long parse(String value) {
        String text = value.trim();
        String upper = text.toUpperCase(Locale.ROOT);
        int shift = 0;
        String number = text;
        for (String[] unit : new String[][] {{"KI", "10"}, {"MI", "20"}, {"GI", "30"}, {"TI", "40"},
                {"K", "10"}, {"M", "20"}, {"G", "30"}, {"T", "40"}}) {
            if (upper.endsWith(unit[0])) {
                shift = Integer.parseInt(unit[1]);
                number = text.substring(0, text.length() - unit[0].length());
                break;
            }
        }
        long base;
        try {
            base = Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a size (bytes, or with K/M/G/T or Ki/Mi/Gi/Ti)");
        }
        if (base <= 0 || Long.numberOfLeadingZeros(base) <= shift) {
            throw new TypeConversionException("size '" + value + "' must be positive and below 8 EiB");
        }
        return base << shift;
    }
}
