package io.basalt.operator.placement;

/** Byte counts as people read them in conditions and events. */
public final class Sizes {

    private static final String[] UNITS = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};

    private Sizes() {
    }

    /** 10737418240 as "10Gi", 1536 as "1.5Ki": binary units, at most one decimal. */
    public static String human(long bytes) {
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.floor(value) ? Long.toString((long) value)
                : String.format(java.util.Locale.ROOT, "%.1f", value);
        return number + UNITS[unit];
    }
}
