package io.basalt.engine.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A {@code [NAME@]HOST:PORT} replica: its name on its pool (none: the volume's name) and the pool's replica protocol address. */
public record ReplicaAddress(String name, HostPort pool) {

    public String nameOr(String volume) {
        return name != null ? name : volume;
    }

    public static final class Converter implements ITypeConverter<ReplicaAddress> {
        @Override
        public ReplicaAddress convert(String value) {
            int at = value.indexOf('@');
            String name = at < 0 ? null : value.substring(0, at);
            if (name != null && name.isEmpty()) {
                throw new TypeConversionException("'" + value + "' has an empty replica name before '@'");
            }
            return new ReplicaAddress(name, new HostPort.Converter().convert(value.substring(at + 1)));
        }
    }
}
