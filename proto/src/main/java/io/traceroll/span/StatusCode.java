package io.traceroll.span;

public enum StatusCode {
  UNSET, OK, ERROR
}
