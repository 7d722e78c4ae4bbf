package dev.txmsg.sample.order;

/** A request that cannot be served as sent; its message names the field. Answered 400. */
class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BadRequestException(String detail) {
        super(detail);
    }
}
