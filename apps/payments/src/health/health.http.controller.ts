import { Controller, Get } from '@nestjs/common';

@Controller('health')
export class HealthHttpController {
  /** Liveness: the process serves HTTP. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
