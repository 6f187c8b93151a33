package io.sextant.server;

public final class Main {
    public static void main(String[] args) {}
}
