// SPDX-License-Identifier: Apache-2.0
import 'reflect-metadata';
import { type DependencyContainer, type InjectionToken } from 'tsyringe';

/** A typed injection token: a symbol that remembers the type it resolves to. */
export type Token<T> = symbol & { readonly __tokenType?: T };

/** Creates a typed token; use it with `@inject(TOKEN)` and {@link resolveToken}. */
export function createToken<T>(description: string): Token<T> {
  return Symbol(description) as Token<T>;
}

/** Registers a value under a typed token (the compiler checks the value's type). */
export function registerValue<T>(container: DependencyContainer, token: Token<T>, value: T): void {
  container.register(token as InjectionToken<T>, { useValue: value });
}

/** Resolves a typed token with its type. */
export function resolveToken<T>(container: DependencyContainer, token: Token<T>): T {
  return container.resolve<T>(token as InjectionToken<T>);
}
