package io.basalt.engine.scsi;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The mode parameters of a logical unit (SPC-4 7.5, SBC-3 6.4): the pages it reports, which
 * of their bits MODE SELECT may change, and the current values of those bits. Values are kept
 * in memory only; saving is not supported.
 */
final class ModePages {

    static final int READ_WRITE_ERROR_RECOVERY = 0x01;
    static final int DISCONNECT_RECONNECT = 0x02;
    static final int CACHING = 0x08;
    static final int CONTROL = 0x0A;
    static final int INFORMATIONAL_EXCEPTIONS = 0x1C;
    static final int ALL_PAGES = 0x3F;

    enum PageControl { CURRENT, CHANGEABLE, DEFAULT }

    private static final int[] PAGE_ORDER = {
            READ_WRITE_ERROR_RECOVERY, DISCONNECT_RECONNECT, CACHING, CONTROL, INFORMATIONAL_EXCEPTIONS};

    private static final int WCE = 0x04;
    private static final int D_SENSE = 0x04;
    private static final int SWP = 0x08;

    private volatile boolean writeCacheEnabled = true;
    private volatile boolean descriptorSense;
    private volatile boolean softwareWriteProtect;

    boolean writeCacheEnabled() {
        return writeCacheEnabled;
    }

    boolean descriptorSense() {
        return descriptorSense;
    }

    boolean softwareWriteProtect() {
        return softwareWriteProtect;
    }

    static boolean isSupported(int pageCode) {
        return pageCode == ALL_PAGES || Arrays.stream(PAGE_ORDER).anyMatch(p -> p == pageCode);
    }

    /** The page, or with {@link #ALL_PAGES} every page in ascending order. */
    synchronized byte[] pages(int pageCode, PageControl control) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int code : PAGE_ORDER) {
            if (pageCode == ALL_PAGES || pageCode == code) {
                out.writeBytes(page(code, control));
            }
        }
        return out.toByteArray();
    }

    private byte[] page(int code, PageControl control) {
        return switch (control) {
            case CURRENT -> current(code);
            case DEFAULT -> defaults(code);
            case CHANGEABLE -> changeable(code);
        };
    }

    private byte[] current(int code) {
        byte[] page = defaults(code);
        switch (code) {
            case CACHING -> page[2] = (byte) (writeCacheEnabled ? WCE : 0);
            case CONTROL -> {
                page[2] = (byte) (descriptorSense ? D_SENSE : 0);
                page[4] = (byte) (softwareWriteProtect ? SWP : 0);
            }
            default -> {
            }
        }
        return page;
    }

    private static byte[] defaults(int code) {
        return switch (code) {
            // AWRE: reassignment would be automatic; nothing to reassign on a file.
            case READ_WRITE_ERROR_RECOVERY -> new byte[] {0x01, 0x0A, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0};
            case DISCONNECT_RECONNECT -> header(DISCONNECT_RECONNECT, 0x0E);
            case CACHING -> {
                byte[] page = header(CACHING, 0x12);
                page[2] = WCE;
                yield page;
            }
            case CONTROL -> {
                byte[] page = header(CONTROL, 0x0A);
                // QUEUE ALGORITHM MODIFIER 1: commands may be reordered (unrestricted).
                page[3] = 0x10;
                // BUSY TIMEOUT PERIOD: unlimited.
                page[8] = (byte) 0xFF;
                page[9] = (byte) 0xFF;
                yield page;
            }
            case INFORMATIONAL_EXCEPTIONS -> {
                byte[] page = header(INFORMATIONAL_EXCEPTIONS, 0x0A);
                // DEXCPT: no failure prediction to report.
                page[2] = 0x08;
                yield page;
            }
            default -> throw new IllegalArgumentException("no mode page " + code);
        };
    }

    private static byte[] changeable(int code) {
        byte[] page = header(code, defaults(code)[1]);
        switch (code) {
            case CACHING -> page[2] = WCE;
            case CONTROL -> {
                page[2] = D_SENSE;
                page[4] = SWP;
            }
            default -> {
            }
        }
        return page;
    }

    private static byte[] header(int code, int length) {
        byte[] page = new byte[2 + length];
        page[0] = (byte) code;
        page[1] = (byte) length;
        return page;
    }

    /**
     * Applies the pages of a MODE SELECT parameter list, all or nothing.
     *
     * @param data the mode pages
     * @param offset where the pages start within the parameter list, for field pointers
     * @return whether any value changed
     * @throws CommandException INVALID FIELD IN PARAMETER LIST for an unknown page, a wrong
     *     length or a change to a bit that is not changeable
     */
    synchronized boolean select(byte[] data, int offset) {
        byte[][] updated = new byte[PAGE_ORDER.length][];
        int p = 0;
        while (p < data.length) {
            int code = data[p] & 0x3F;
            if ((data[p] & 0x40) != 0 || !isSupported(code) || code == ALL_PAGES) {
                throw CommandException.checkCondition(Sense.invalidFieldInParameterList(offset + p));
            }
            if (p + 2 > data.length) {
                throw CommandException.checkCondition(Sense.parameterListLengthError());
            }
            byte[] current = current(code);
            int length = data[p + 1] & 0xff;
            if (length != current.length - 2) {
                throw CommandException.checkCondition(Sense.invalidFieldInParameterList(offset + p + 1));
            }
            if (p + current.length > data.length) {
                throw CommandException.checkCondition(Sense.parameterListLengthError());
            }
            byte[] mask = changeable(code);
            byte[] page = Arrays.copyOfRange(data, p, p + current.length);
            for (int i = 2; i < page.length; i++) {
                if (((page[i] ^ current[i]) & ~mask[i]) != 0) {
                    throw CommandException.checkCondition(Sense.invalidFieldInParameterList(offset + p + i));
                }
            }
            updated[indexOf(code)] = page;
            p += current.length;
        }
        boolean changed = false;
        for (int i = 0; i < PAGE_ORDER.length; i++) {
            if (updated[i] != null) {
                changed |= apply(PAGE_ORDER[i], updated[i]);
            }
        }
        return changed;
    }

    private boolean apply(int code, byte[] page) {
        boolean changed = !Arrays.equals(page, 2, page.length, current(code), 2, page.length);
        switch (code) {
            case CACHING -> writeCacheEnabled = (page[2] & WCE) != 0;
            case CONTROL -> {
                descriptorSense = (page[2] & D_SENSE) != 0;
                softwareWriteProtect = (page[4] & SWP) != 0;
            }
            default -> {
            }
        }
        return changed;
    }

    /** Back to the default values, as after a logical unit reset. */
    synchronized void reset() {
        writeCacheEnabled = true;
        descriptorSense = false;
        softwareWriteProtect = false;
    }

    private static int indexOf(int code) {
        for (int i = 0; i < PAGE_ORDER.length; i++) {
            if (PAGE_ORDER[i] == code) {
                return i;
            }
        }
        throw new IllegalArgumentException("no mode page " + code);
    }
}
