package io.basalt.engine.iscsi.text;

import java.util.Optional;

/**
 * Answers one offered operational key by the rules of RFC 7143 6.2 and 13: list selection,
 * boolean AND/OR, numerical minimum/maximum, and NotUnderstood/Irrelevant/Reject.
 */
public final class OperationalNegotiator {

    public static final String NOT_UNDERSTOOD = "NotUnderstood";
    public static final String IRRELEVANT = "Irrelevant";
    public static final String REJECT = "Reject";
    private static final int MAX_DATA_LENGTH = (1 << 24) - 1;

    private final TargetLimits limits;

    public OperationalNegotiator(TargetLimits limits) {
        this.limits = limits;
    }

    /** Whether this negotiator handles {@code key}. */
    public static boolean isOperational(String key) {
        return switch (key) {
            case "HeaderDigest", "DataDigest", "MaxConnections", "InitialR2T", "ImmediateData",
                 "MaxRecvDataSegmentLength", "MaxBurstLength", "FirstBurstLength", "DefaultTime2Wait",
                 "DefaultTime2Retain", "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder",
                 "ErrorRecoveryLevel", "IFMarker", "OFMarker", "IFMarkInt", "OFMarkInt" -> true;
            default -> false;
        };
    }

    /**
     * Applies the offer to {@code params} and gives the answer to send, or empty when the key is
     * declarative and needs none.
     */
    public Optional<String> answer(String key, String value, OperationalParameters params) {
        if (value.equals(NOT_UNDERSTOOD) || value.equals(IRRELEVANT) || value.equals(REJECT)) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (key) {
            case "HeaderDigest" -> selectDigest(value, chosen -> params.headerDigest = chosen);
            case "DataDigest" -> selectDigest(value, chosen -> params.dataDigest = chosen);
            case "MaxConnections" -> minimum(value, 1, 65535, 1, v -> { });
            case "InitialR2T" -> or(value, limits.initialR2T(), v -> params.initialR2T = v);
            case "ImmediateData" -> and(value, limits.immediateData(), v -> params.immediateData = v);
            case "DataPDUInOrder" -> or(value, true, v -> params.dataPduInOrder = v);
            case "DataSequenceInOrder" -> or(value, true, v -> params.dataSequenceInOrder = v);
            case "IFMarker", "OFMarker" -> and(value, false, v -> { });
            case "IFMarkInt", "OFMarkInt" -> IRRELEVANT;
            case "MaxRecvDataSegmentLength" -> declare(value, v -> params.maxSendDataSegmentLength = v);
            case "MaxBurstLength" -> minimum(value, 512, MAX_DATA_LENGTH, limits.maxBurstLength(),
                    v -> params.maxBurstLength = v);
            case "FirstBurstLength" -> minimum(value, 512, MAX_DATA_LENGTH, limits.firstBurstLength(),
                    v -> params.firstBurstLength = v);
            case "DefaultTime2Wait" -> maximum(value, 0, 3600, limits.defaultTime2Wait(),
                    v -> params.defaultTime2Wait = v);
            case "DefaultTime2Retain" -> minimum(value, 0, 3600, limits.defaultTime2Retain(),
                    v -> params.defaultTime2Retain = v);
            case "MaxOutstandingR2T" -> minimum(value, 1, 65535, limits.maxOutstandingR2T(),
                    v -> params.maxOutstandingR2T = v);
            case "ErrorRecoveryLevel" -> minimum(value, 0, 2, 0, v -> params.errorRecoveryLevel = v);
            default -> NOT_UNDERSTOOD;
        });
    }

    private interface IntSetter {
        void set(int value);
    }

    private interface BoolSetter {
        void set(boolean value);
    }

    private static String selectDigest(String offered, BoolSetter setter) {
        for (String choice : offered.split(",")) {
            if (choice.equals("None") || choice.equals("CRC32C")) {
                setter.set(choice.equals("CRC32C"));
                return choice;
            }
        }
        return REJECT;
    }

    private static String and(String offered, boolean ours, BoolSetter setter) {
        Boolean theirs = parseBoolean(offered);
        if (theirs == null) {
            return REJECT;
        }
        boolean result = theirs && ours;
        setter.set(result);
        return yesNo(result);
    }

    private static String or(String offered, boolean ours, BoolSetter setter) {
        Boolean theirs = parseBoolean(offered);
        if (theirs == null) {
            return REJECT;
        }
        boolean result = theirs || ours;
        setter.set(result);
        return yesNo(result);
    }

    private static String minimum(String offered, int low, int high, int ours, IntSetter setter) {
        Long theirs = parseNumber(offered);
        if (theirs == null || theirs < low || theirs > high) {
            return REJECT;
        }
        int result = (int) Math.min(theirs, ours);
        setter.set(result);
        return Integer.toString(result);
    }

    private static String maximum(String offered, int low, int high, int ours, IntSetter setter) {
        Long theirs = parseNumber(offered);
        if (theirs == null || theirs < low || theirs > high) {
            return REJECT;
        }
        int result = (int) Math.max(theirs, ours);
        setter.set(result);
        return Integer.toString(result);
    }

    private static String declare(String offered, IntSetter setter) {
        Long theirs = parseNumber(offered);
        if (theirs == null || theirs < 512 || theirs > MAX_DATA_LENGTH) {
            return REJECT;
        }
        setter.set(theirs.intValue());
        return null;
    }

    private static Boolean parseBoolean(String value) {
        return switch (value) {
            case "Yes" -> Boolean.TRUE;
            case "No" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** Decimal or hexadecimal numbers (RFC 7143 6.1). */
    static Long parseNumber(String value) {
        try {
            if (value.startsWith("0x") || value.startsWith("0X")) {
                return Long.parseLong(value.substring(2), 16);
            }
            if (value.isEmpty() || value.length() > 19 || !value.chars().allMatch(Character::isDigit)) {
                return null;
            }
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String yesNo(boolean value) {
        return value ? "Yes" : "No";
    }
}
