import { Global, Module } from '@nestjs/common';
import { EnvelopeCipher, loadRootKey } from '@rotor/crypto';

/** The envelope cipher that seals connection passwords (ROTOR_ROOT_KEY / ROTOR_ROOT_KEY_FILE). */
@Global()
@Module({
  providers: [{ provide: EnvelopeCipher, useFactory: () => new EnvelopeCipher(loadRootKey()) }],
  exports: [EnvelopeCipher],
})
export class CipherModule {}
