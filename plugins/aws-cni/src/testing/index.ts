export * from './fake-ipamd';
