import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { CqrsModule, EventBus, EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { EVENT_TYPES } from '@rotor/contracts';
import { CredentialsRotatedEvent, DOMAIN_EVENT_CLASSES, DomainEvent, RotationDueEvent, toDomainEvent } from '../src';
import { due, rotated } from './fixtures';

@Injectable()
class Seen {
  due: RotationDueEvent[] = [];
  rotated: CredentialsRotatedEvent[] = [];
}

@EventsHandler(RotationDueEvent)
class OnRotationDue implements IEventHandler<RotationDueEvent> {
  constructor(private readonly seen: Seen) {}
  handle(event: RotationDueEvent): void {
    this.seen.due.push(event);
  }
}

@EventsHandler(CredentialsRotatedEvent)
class OnCredentialsRotated implements IEventHandler<CredentialsRotatedEvent> {
  constructor(private readonly seen: Seen) {}
  handle(event: CredentialsRotatedEvent): void {
    this.seen.rotated.push(event);
  }
}

describe('domain event classes', () => {
  it('has one class per event type, named after it', () => {
    for (const type of EVENT_TYPES) expect(DOMAIN_EVENT_CLASSES[type].name).toBe(`${type}Event`);
  });

  it('rebuilds the class of an envelope from its type, carrying the envelope', () => {
    const envelope = due('rot-1');
    const event = toDomainEvent(envelope);
    expect(event).toBeInstanceOf(RotationDueEvent);
    expect(event).toBeInstanceOf(DomainEvent);
    expect(event.envelope).toBe(envelope);
    expect(event.payload.rotationId).toBe('rot-1');
  });

  it('routes rebuilt events to the @EventsHandler of their class on the Nest EventBus', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CqrsModule.forRoot()],
      providers: [Seen, OnRotationDue, OnCredentialsRotated],
    }).compile();
    await moduleRef.init();
    const bus = moduleRef.get(EventBus);
    const seen = moduleRef.get(Seen);

    bus.publish(toDomainEvent(due('rot-1')));
    bus.publish(toDomainEvent(rotated('rot-2')));
    await new Promise((resolve) => setImmediate(resolve));

    expect(seen.due.map((e) => e.payload.rotationId)).toEqual(['rot-1']);
    expect(seen.rotated.map((e) => e.payload.rotationId)).toEqual(['rot-2']);
    await moduleRef.close();
  });
});
