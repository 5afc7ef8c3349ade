package org.otplatform.common.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;

/** Recognises MongoDB errors by their code. */
public final class MongoErrors {
  /** The server's code for a write a unique index refused. */
  private static final int DUPLICATE_KEY = 11000;

  private MongoErrors() {}

  /** A unique index rejected a write (code 11000, also inside a bulk write's errors). */
  public static boolean isDuplicate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MongoBulkWriteException bulk
          && bulk.getWriteErrors().stream().anyMatch(w -> w.getCode() == DUPLICATE_KEY)) {
        return true;
      }
      if (t instanceof MongoException m && m.getCode() == DUPLICATE_KEY) {
        return true;
      }
    }
    return false;
  }
}
