package org.otplatform.auth.token;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * An ES256 (ECDSA P-256) signing key: the private key as PKCS#8 PEM and the public half as a JWK.
 *
 * @param kid the key id, put in every token's header
 */
public record SigningKey(String kid, String privatePem, JsonObject publicJwk, Instant created) {

  public static SigningKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      String kid = UUID.randomUUID().toString();
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
      ECPublicKey pub = (ECPublicKey) pair.getPublic();
      JsonObject jwk = new JsonObject()
          .put("kty", "EC")
          .put("crv", "P-256")
          .put("x", base64Url(pub.getW().getAffineX()))
          .put("y", base64Url(pub.getW().getAffineY()))
          .put("kid", kid)
          .put("alg", "ES256")
          .put("use", "sig");
      return new SigningKey(kid, pem, jwk, Instant.now());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key", e);
    }
  }

  /** A coordinate as exactly 32 unsigned big-endian bytes, base64url without padding. */
  private static String base64Url(BigInteger coordinate) {
    byte[] bytes = coordinate.toByteArray();
    byte[] fixed = new byte[32];
    if (bytes.length > 32) {
      bytes = Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length);
    }
    System.arraycopy(bytes, 0, fixed, 32 - bytes.length, bytes.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }

  public JsonObject toDocument() {
    return new JsonObject().put("_id", kid).put("privatePem", privatePem).put("publicJwk", publicJwk)
        .put("created", created.toString());
  }

  public static SigningKey fromDocument(JsonObject doc) {
    return new SigningKey(doc.getString("_id"), doc.getString("privatePem"), doc.getJsonObject("publicJwk"),
        Instant.parse(doc.getString("created")));
  }
}
