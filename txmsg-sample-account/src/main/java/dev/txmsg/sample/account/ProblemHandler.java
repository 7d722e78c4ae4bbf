package dev.txmsg.sample.account;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Errors as application/problem+json whose detail names the field or the id. */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(AccountController.BadRequestException.class)
    ProblemDetail badRequest(AccountController.BadRequestException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(AccountController.NotFoundException.class)
    ProblemDetail notFound(AccountController.NotFoundException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(AccountController.ConflictException.class)
    ProblemDetail conflict(AccountController.ConflictException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }

    /** The database failed (a lost connection, a timeout): nothing is known to have been written; retry. */
    @ExceptionHandler(org.springframework.dao.DataAccessException.class)
    ProblemDetail databaseUnavailable(org.springframework.dao.DataAccessException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "the database failed (" + e.getMostSpecificCause().getMessage()
            + "); retry" + (e instanceof org.springframework.dao.TransientDataAccessException ? "" : " later"));
    }

    /**
     * Anything else: a 500 problem. It must match every exception by its own type: for one it has
     * no handler for, {@code ResponseEntityExceptionHandler} looks at the causes too, and answers a
     * cause {@code AsyncRequestNotUsableException} (the client's connection failed) with
     * {@code null}, which Spring MVC takes as handled: nothing is written and the container
     * completes the response as "200" with an empty body, which a client takes for success.
     */
    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        logger.error("unexpected failure", e);
        return ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "unexpected failure: " + e);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
            "the request body is not valid JSON: expected an object with id and balance");
        return handleExceptionInternal(e, problem, headers, status, request);
    }
}
