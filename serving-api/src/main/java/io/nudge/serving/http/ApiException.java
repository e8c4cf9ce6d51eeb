package io.nudge.serving.http;

import io.nudge.events.FieldError;
import java.util.List;

/** A request Nudge will not serve, with the HTTP status and, where it is the input's fault, the fields at fault. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final List<FieldError> fields;

    public ApiException(int status, String message, List<FieldError> fields) {
        super(message);
        this.status = status;
        this.fields = List.copyOf(fields);
    }

    public static ApiException badRequest(String message, List<FieldError> fields) {
        return new ApiException(400, message, fields);
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, field + ": " + message, List.of(new FieldError(field, message)));
    }

    public int status() {
        return status;
    }

    public List<FieldError> fields() {
        return fields;
    }
}
