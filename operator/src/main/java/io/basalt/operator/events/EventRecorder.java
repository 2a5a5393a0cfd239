package io.basalt.operator.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Kubernetes Events on Basalt's resources, so {@code kubectl describe} tells the story. A repeated
 * event (same object, reason and message) raises the count of the one already there.
 */
public final class EventRecorder {

    private static final String COMPONENT = "basalt-operator";

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void warning(HasMetadata subject, String reason, String message) {
        record(subject, "Warning", reason, message);
    }

    public void normal(HasMetadata subject, String reason, String message) {
        record(subject, "Normal", reason, message);
    }

    private void record(HasMetadata subject, String type, String reason, String message) {
        String namespace = subject.getMetadata().getNamespace();
        String name = subject.getMetadata().getName() + "." + reason.toLowerCase(Locale.ROOT)
                + "." + Integer.toHexString(message.hashCode());
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        Event existing = client.v1().events().inNamespace(namespace).withName(name).get();
        if (existing != null) {
            existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
            existing.setLastTimestamp(now);
            client.resource(existing).update();
            return;
        }
        client.resource(new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(subject.getApiVersion())
                        .withKind(subject.getKind())
                        .withName(subject.getMetadata().getName())
                        .withNamespace(namespace)
                        .withUid(subject.getMetadata().getUid())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource().withComponent(COMPONENT).endSource()
                .build()).create();
    }
}
