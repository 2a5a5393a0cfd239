package io.basalt.engine.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A replica of a volume: its name on its pool and the pool's replica protocol address, {@code NAME@HOST:PORT}. */
record ReplicaAddress(String name, HostPort address) {

    @Override
    public String toString() {
        return name + "@" + address;
    }

    static final class Converter implements ITypeConverter<ReplicaAddress> {
        @Override
        public ReplicaAddress convert(String value) {
            int at = value.indexOf('@');
            if (at <= 0) {
                throw new TypeConversionException("'" + value + "' is not NAME@HOST:PORT");
            }
            return new ReplicaAddress(value.substring(0, at), new HostPort.Converter().convert(value.substring(at + 1)));
        }
    }
}
